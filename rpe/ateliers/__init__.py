"""Ateliers of the relais: matinées d'éveil, soirées, analyse de la pratique, réunions d'information."""
