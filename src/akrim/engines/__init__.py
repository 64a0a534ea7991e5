"""Pure computation: never imports Django or an akrim app."""
