package web_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestQGISReadsOGCAPI reads the settlements with QGIS 3.22's own OAPIF provider (PyQGIS, offscreen) in pages of 10:
// precision_km is Real, not the integer the first page's whole numbers used to suggest (Demidovka's 5.5 read 5),
// and every settlement comes through the cursor paging.
func TestQGISReadsOGCAPI(t *testing.T) {
	py := ""
	for _, c := range []string{"/usr/bin/python3", "python3"} {
		cmd := exec.Command(c, "-c", "import qgis.core")
		cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen")
		if cmd.Run() == nil {
			py = c
			break
		}
	}
	if py == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("PyQGIS (Debian python3-qgis) is missing; .ci/run installs it")
		}
		t.Skip("PyQGIS (Debian python3-qgis) is not installed")
	}
	e := newEnv(t)
	cmd := exec.Command(py, "testdata/qgis_oapif.py", e.srv.URL+"/ogc")
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("qgis_oapif.py: %v\n%s", err, out)
	}
	var res struct {
		Valid     bool              `json:"valid"`
		Types     map[string]string `json:"types"`
		Read      int               `json:"read"`
		Demidovka *float64          `json:"demidovka_precision_km"`
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("qgis_oapif.py printed %s: %v", out, err)
	}
	if !res.Valid || res.Types["precision_km"] != "Real" || res.Demidovka == nil || *res.Demidovka != 5.5 || res.Read != 59 {
		t.Errorf("QGIS read: valid %v, precision_km type %q, Demidovka's precision_km %v, %d settlements; want Real, 5.5, 59",
			res.Valid, res.Types["precision_km"], res.Demidovka, res.Read)
	}
}
