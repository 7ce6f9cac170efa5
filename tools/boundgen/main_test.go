package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBorders: of two countries side by side (A west, B east) sharing one arc, only the shared arc is kept, with A
// and B on the right sides of its direction; a Russia–Ukraine arc wholly south of 46.3° N is left out.
func TestBorders(t *testing.T) {
	// Arcs (absolute coordinates, no transform): 0 the shared edge x=1 from (1,50) up to (1,51); 1 A's other edges;
	// 2 B's other edges. A's ring runs clockwise: (0,50) → (0,51) → (1,51) → down arc 0 reversed → back. B's ring
	// runs clockwise too: (1,51) → (2,51) → (2,50) → (1,50) → up arc 0.
	topo := `{"type":"Topology","objects":{"countries":{"type":"GeometryCollection","geometries":[
		{"type":"Polygon","arcs":[[1,-1]],"properties":{"name":"A"}},
		{"type":"Polygon","arcs":[[2,0]],"properties":{"name":"B"}},
		{"type":"Polygon","arcs":[[3,-4]],"properties":{"name":"Russia"}},
		{"type":"Polygon","arcs":[[4,3]],"properties":{"name":"Ukraine"}}]}},
	"arcs":[[[1,50],[1,51]],[[1,51],[0,51],[0,50],[1,50]],[[1,51],[2,51],[2,50],[1,50]],
		[[34,45],[34,46]],[[34,46],[35,46],[35,45],[34,45]]]}`
	b, err := borders([]byte(topo), [4]float64{-10, 40, 60, 62})
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Geometry   struct{ Coordinates [][2]float64 }
			Properties map[string]string
		}
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1 {
		t.Fatalf("borders kept %d lines, want the one shared by A and B: %s", len(fc.Features), b)
	}
	f := fc.Features[0]
	// Arc 0 runs north along x=1: west (A) is on its left, east (B) on its right.
	if f.Properties["countries"] != "A|B" || f.Properties["left"] != "A" || f.Properties["right"] != "B" {
		t.Errorf("properties = %v, want countries A|B, A left and B right", f.Properties)
	}
	if _, err := borders([]byte(`{"type":"Topology","objects":{}}`), [4]float64{0, 0, 1, 1}); err == nil ||
		!strings.Contains(err.Error(), "countries") {
		t.Errorf("borders of a topology without countries: %v", err)
	}
}
