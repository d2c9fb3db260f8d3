"""cybertrack."""
