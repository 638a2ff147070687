"""Appointments with the relais: motifs, plages d'ouverture, free slots, booking, reminders, agenda."""
