"""`make bench`: server-side figures for Relay's pages, feeds, searches and jobs (``python -m bench``)."""
