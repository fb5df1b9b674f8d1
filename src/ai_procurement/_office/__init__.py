"""The private office: file formats under every wing (guards, xlsx, docx, YAML, output).

Untrusted files are vetted here before any XML is parsed; outputs are written here
atomically. Nothing in this package knows about banks, offers or scores.
"""
