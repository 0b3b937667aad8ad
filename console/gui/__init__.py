"""The Qt application: main window, settings, theme and the task bridge."""
