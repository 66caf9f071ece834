"""Report writers: the summary dict (and, for raw sheets, the database) turned into bytes.

``csv`` for systems, ``xlsx`` for officials, ``pdf`` for print (Decree 30 layout), ``text``
for the terminal; ``cells`` is the one place a cell is made safe for a spreadsheet. Each
writer is imported on its own (``from analysis.reports.pdf import pdf_report``) so a CSV
download never loads fpdf or openpyxl.
"""
