"""Document output helpers (no Django models).

- :mod:`theodoi.documents.party` builds DOCX files in the Party document format
  (thể thức văn bản của Đảng, Hướng dẫn 36-HD/VPTW).
- :mod:`theodoi.documents.xlsx` builds styled XLSX tables with openpyxl.
"""
