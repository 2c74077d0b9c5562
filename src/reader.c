/* reader.c - placeholder until its module lands. */
