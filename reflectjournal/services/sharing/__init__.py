"""Sharing with mentors and coaches: identities, contact cards, signed and encrypted packets."""
