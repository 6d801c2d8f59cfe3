"""The rules: module functions taking a Session first and keyword-only arguments."""
