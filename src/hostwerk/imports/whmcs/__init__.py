"""The WHMCS 8 import: read the WHMCS database, map its rows, write them in batches."""
