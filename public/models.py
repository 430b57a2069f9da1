"""The public side keeps no data of its own: it reads the other apps' public fields."""
