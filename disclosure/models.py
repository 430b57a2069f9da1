"""Carbon accounting and annual disclosure (built out by the disclosure issue)."""
