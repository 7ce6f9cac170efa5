package main

// serverCommands returns the server commands.
func serverCommands() []command { return nil }
