@echo off
rem Hai long: start the kiosk and start it again if it ever stops (run by Task Scheduler at boot).
rem The code is in C:\HaiLong, the data (instance folder) in C:\HaiLong-data\instance.
rem Edit the three lines below if you put them elsewhere.
set HAILONG_CODE=C:\HaiLong
set KIOSK_INSTANCE=C:\HaiLong-data\instance
set HAILONG_LISTEN=0.0.0.0
rem 0.0.0.0 = the office network reaches it on port 8080. Behind Caddy on this PC: 127.0.0.1.
set PYTHONIOENCODING=utf-8
cd /d "%HAILONG_CODE%"
:again
echo %date% %time% starting >> "%KIOSK_INSTANCE%\..\server.log"
"%HAILONG_CODE%\.venv\Scripts\python.exe" -m kiosk serve --host %HAILONG_LISTEN% --port 8080 >> "%KIOSK_INSTANCE%\..\server.log" 2>&1
echo %date% %time% stopped, restarting in 10 s >> "%KIOSK_INSTANCE%\..\server.log"
timeout /t 10 /nobreak > nul
goto again
