package main

// ledgerCommands returns the control-status ledger commands.
func ledgerCommands() []command { return nil }
