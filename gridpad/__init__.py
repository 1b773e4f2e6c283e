"""GridPad: the field terminal of Dongguan's grid managers."""

__version__ = "0.1.0"
