"""Adapters: outside capabilities the services are given, not ones they import.

``qt_pdf.html_to_pdf`` draws HTML to PDF with Qt's PDF writer. The front ends hand it to the
workspace (``Workspace.pdf_writer``), and the services that write PDFs (exports, the prep
brief) call whatever writer they were given, so no service imports Qt and the command line
needs no GUI module.
"""
