"""The pages of joint controls, one module per stage (planning and the control page,
work on site, the calendar, statistics)."""
