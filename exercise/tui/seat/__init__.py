"""The consoles of the room's other seats: red cell, controller, evaluator, wall."""
