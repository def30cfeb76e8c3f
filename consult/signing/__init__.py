"""Signing: frozen, fingerprinted versions; member, organisational and public signatures;
consent records; verification."""
