"""Staff login (password + TOTP), language choice and API tokens."""
