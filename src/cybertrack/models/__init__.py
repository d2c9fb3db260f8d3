"""Training code (never imported at run time by ``cybertrack.extract``): the role model."""
