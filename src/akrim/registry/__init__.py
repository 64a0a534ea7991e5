"""Companies, workplaces, persons and their roles, payroll and permits; register imports."""
