"""Certifications, issued certificates, their PDFs and revocation."""
