//go:build race

package soak

// raceEnabled is true under the race detector, which slows everything five- to tenfold: the soak then checks for
// races, errors and lost claims, but not the writer's cadence.
const raceEnabled = true
