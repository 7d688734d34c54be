"""The imports service (I1): import jobs run by separately scaled workers, and the plain modules
that read, map and validate import files."""
