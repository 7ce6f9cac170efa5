package main

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiled-maps/tiled/atlas"
)

// pyqgis returns a Python interpreter with PyQGIS (Debian's python3-qgis), or skips the test when there is none,
// except in CI, which installs it.
func pyqgis(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		cmd := exec.Command(py, "-c", "import qgis.core")
		cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen")
		if cmd.Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("PyQGIS (Debian python3-qgis) is missing; .ci/run installs it")
	}
	t.Skip("PyQGIS (Debian python3-qgis) is not installed")
	return ""
}

// TestQGISDrawsTheStyle converts /style.json?profile=qgis with QGIS's own MapBox GL style converter and draws the
// exported tiles around Sudzha with it (PyQGIS, offscreen): the settlements are there in their status colours —
// Sudzha Russia's vermillion as of 30 March 2025, Gogolevka disputed purple, the places without claims grey.
func TestQGISDrawsTheStyle(t *testing.T) {
	py := pyqgis(t)
	db := seeded(t)
	dir := t.TempDir()
	tilesPath := filepath.Join(dir, "front.mbtiles")
	if stdout, stderr, err := tiled(t, "export", "tiles", "--db", db, "--format", "mbtiles", "--as-of", "2025-03-30",
		"--maxzoom", "10", tilesPath); err != nil {
		t.Fatalf("export: %v\n%s%s", err, stdout, stderr)
	}
	style, err := openAtlas(t, db).Style("http://localhost:8080", url.Values{"as_of": {"2025-03-30"}, "profile": {"qgis"}},
		atlas.StyleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(style)
	if err != nil {
		t.Fatal(err)
	}
	stylePath := filepath.Join(dir, "style.json")
	if err := os.WriteFile(stylePath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, "testdata/qgis_render.py", stylePath, tilesPath, "35.27", "51.19", "10", filepath.Join(dir, "qgis.png"))
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR="+dir)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("qgis_render.py: %v\n%s%s", err, out, stderr)
	}
	var res struct {
		Converted  bool           `json:"converted"`
		Error      string         `json:"error"`
		Warnings   []string       `json:"warnings"`
		LayerValid bool           `json:"layer_valid"`
		Pixels     map[string]int `json:"pixels"`
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("qgis_render.py printed %s: %v", out, err)
	}
	if !res.Converted || !res.LayerValid || len(res.Warnings) > 0 {
		t.Errorf("QGIS converted the style: %v (%q), warnings %q; the MBTiles layer valid: %v", res.Converted, res.Error,
			res.Warnings, res.LayerValid)
	}
	for _, status := range []string{"ru", "disputed", "unknown"} {
		if res.Pixels[status] == 0 {
			t.Errorf("QGIS drew no %s pixels around Sudzha (pixels by colour: %v)", status, res.Pixels)
		}
	}
}
