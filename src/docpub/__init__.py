"""docpub: publish UN Security Council documents as a static site and PDFs."""

__version__ = "0.1.0"
