"""Construction tracking, acceptance, titles and rechecks (built out by the acceptance issue)."""
