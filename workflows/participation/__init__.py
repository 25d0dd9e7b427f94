"""Public participation: proposals residents send without signing in, and the office's first look at them."""
