"""The contract of the grid data shared by the field app and the central system.

Nothing here imports ``gridpad`` or Qt: the server installs and runs without either.
"""
