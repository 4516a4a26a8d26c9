"""Account lockout, TOTP second factor, security headers and rate limits of public pages."""
