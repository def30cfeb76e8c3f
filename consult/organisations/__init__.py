"""Organisations: campaign groups, their members' roles and invitations."""
