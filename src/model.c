/* model.c - placeholder until its module lands. */
