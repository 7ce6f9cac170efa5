package ogc

import (
	"net/url"
	"strings"
)

// OpenAPIVersion is the version of the OpenAPI Specification the API definition follows.
const OpenAPIVersion = "3.0.3"

// obj is a JSON object of the OpenAPI definition.
type obj = map[string]any

// ref returns a JSON reference to the component at path under #/components/.
func ref(path string) obj { return obj{"$ref": "#/components/" + path} }

// OpenAPI returns the API definition: an OpenAPI 3.0 document (media type MediaTypeOpenAPI) describing every path
// of the service, each collection's own (/collections/{id}, its items and its item), with their parameters,
// responses and media types. Paths are relative to the one server, base. Each collection's items operation lists
// exactly the parameters Items accepts for it: datetime only for a collection with a temporal property, and its
// property filters. It accepts the query parameter f=json.
func (s *Service) OpenAPI(base string, params url.Values) (Document, error) {
	if err := checkParams(params, "json"); err != nil {
		return Document{}, err
	}
	def, maxLimit := s.limits()
	title := s.Title
	if title == "" {
		title = "OGC API – Features"
	}
	errs := obj{
		"400": ref("responses/InvalidParameter"),
		"500": ref("responses/ServerError"),
	}
	errsNotFound := obj{
		"400": ref("responses/InvalidParameter"),
		"404": ref("responses/NotFound"),
		"500": ref("responses/ServerError"),
	}
	get := func(id, summary, description, tag string, parameters []any, ok obj, failures obj) obj {
		responses := obj{"200": ok}
		for k, v := range failures {
			responses[k] = v
		}
		return obj{"get": obj{
			"operationId": id,
			"summary":     summary,
			"description": description,
			"tags":        []string{tag},
			"parameters":  parameters,
			"responses":   responses,
		}}
	}
	fJSON := []any{ref("parameters/f-json")}
	paths := obj{
		"/": get("getLandingPage", "Landing page",
			"Links to the API definition, the conformance declaration and the feature collections.",
			"Capabilities", fJSON, ref("responses/LandingPage"), errs),
		"/conformance": get("getConformanceDeclaration", "Conformance declaration",
			"The conformance classes of OGC API – Features this service implements.",
			"Capabilities", fJSON, ref("responses/ConformanceDeclaration"), errs),
		"/api": get("getAPIDefinition", "API definition", "This document.",
			"Capabilities", fJSON, ref("responses/API"), errs),
		"/collections": get("getCollections", "Feature collections",
			"The feature collections this service publishes.",
			"Capabilities", fJSON, ref("responses/Collections"), errs),
	}
	for _, c := range s.Published {
		info := c.Info()
		name := titleOf(info)
		p := "/collections/" + info.ID
		paths[p] = get("describeCollection."+info.ID, "Collection "+name,
			"The description of the collection "+name+": its extent and links to its features.",
			"Data", fJSON, ref("responses/Collection"), errsNotFound)
		items := []any{ref("parameters/bbox")}
		if info.TemporalProperty != "" {
			items = append(items, datetimeParam(info))
		}
		items = append(items, ref("parameters/limit"), ref("parameters/cursor"), ref("parameters/offset"))
		for _, f := range info.Filters {
			items = append(items, filterParam(f))
		}
		items = append(items, collectionParams(info)...)
		items = append(items, ref("parameters/f-geojson"))
		paths[p+"/items"] = get("getFeatures."+info.ID, "Features of "+name,
			"A page of the features of "+name+" that match the parameters. The page links to the next one "+
				"while features remain.",
			"Data", items, ref("responses/Features"), errsNotFound)
		for _, sd := range []struct{ path, op, summary, description string }{
			{"/schema", "getSchema.", "Schema of ", "The properties of the features and their types (OGC API – Features – Part 5)."},
			{"/queryables", "getQueryables.", "Queryables of ", "The properties items can be filtered on (OGC API – Features – Part 3)."},
			{"/feature-schema", "getFeatureSchema.", "JSON Schema of a feature of ", "A GeoJSON feature of the collection with its properties' types (the describedBy link)."},
		} {
			paths[p+sd.path] = get(sd.op+info.ID, sd.summary+name, sd.description, "Data", fJSON,
				response("The schema.", MediaTypeJSONSchema, obj{"type": "object"}), errsNotFound)
		}
		one := []any{ref("parameters/featureId"), ref("parameters/f-geojson")}
		if _, ok := c.(ParamItemer); ok {
			one = append(one, collectionParams(info)...)
		}
		paths[p+"/items/{featureId}"] = get("getFeature."+info.ID, "A feature of "+name,
			"One feature of "+name+", by its id.", "Data", one, ref("responses/Feature"), errsNotFound)
	}
	doc := obj{
		"openapi": OpenAPIVersion,
		"info": obj{
			"title":       title,
			"description": s.Description,
			"version":     "1.0.0",
		},
		"servers": []any{obj{"url": strings.TrimRight(base, "/")}},
		"tags": []any{
			obj{"name": "Capabilities", "description": "What the service offers."},
			obj{"name": "Data", "description": "The feature collections and their features."},
		},
		"paths":      paths,
		"components": components(def, maxLimit),
	}
	return Document{MediaType: MediaTypeOpenAPI, Body: doc}, nil
}

// collectionParams returns the definitions of the collection's further parameters (CollectionInfo.Parameters).
func collectionParams(info CollectionInfo) []any {
	var out []any
	for _, x := range info.Parameters {
		schema := obj{"type": "string"}
		if x.Format != "" {
			schema["format"] = x.Format
		}
		out = append(out, obj{"name": x.Name, "in": "query", "description": x.Description, "required": false,
			"style": "form", "explode": false, "schema": schema})
	}
	return out
}

// datetimeParam returns the definition of the datetime parameter of the collection described by info.
func datetimeParam(info CollectionInfo) obj {
	d := "Selects the features whose `" + info.TemporalProperty + "` lies in the given time: an RFC 3339 " +
		"date-time (2025-03-28T06:00:00Z), a date (2025-03-28, the whole UTC day) or an interval start/end, " +
		"either end of which may be open (`..` or empty) but not both: 2025-03-01/2025-03-31, 2025-03-01/.., " +
		"../2025-03-31."
	if info.TemporalDescription != "" {
		d += "\n\n`" + info.TemporalProperty + "`: " + info.TemporalDescription
	}
	return obj{
		"name":        paramDatetime,
		"in":          "query",
		"description": d,
		"required":    false,
		"style":       "form",
		"explode":     false,
		"schema":      obj{"type": "string"},
	}
}

// filterParam returns the definition of the query parameter of a property filter.
func filterParam(f Filter) obj {
	schema := obj{"type": "string"}
	if len(f.Enum) > 0 {
		schema["enum"] = f.Enum
	}
	d := "Selects the features whose property `" + f.Name + "` equals the value."
	if f.Description != "" {
		d += " " + f.Description
	}
	return obj{
		"name":        f.Name,
		"in":          "query",
		"description": d,
		"required":    false,
		"style":       "form",
		"explode":     false,
		"schema":      schema,
	}
}

// response returns an OpenAPI response of the media type with the schema.
func response(description, mediaType string, schema obj) obj {
	return obj{"description": description, "content": obj{mediaType: obj{"schema": schema}}}
}

// components returns the reusable parameters, responses and schemas of the API definition.
func components(def, maxLimit int) obj {
	format := func(formats ...string) obj {
		return obj{
			"name":        paramFormat,
			"in":          "query",
			"description": "The format of the response; the only one offered is the default.",
			"required":    false,
			"style":       "form",
			"explode":     false,
			"schema":      obj{"type": "string", "enum": formats},
		}
	}
	links := obj{"type": "array", "items": ref("schemas/link")}
	return obj{
		"parameters": obj{
			"bbox": obj{
				"name": paramBBox,
				"in":   "query",
				"description": "Selects the features whose geometry intersects the box minLon,minLat,maxLon,maxLat " +
					"(CRS84, -180..180 and -90..90, minimum no larger than maximum; boxes across the antimeridian " +
					"are not supported). Six numbers minLon,minLat,minHeight,maxLon,maxLat,maxHeight are accepted " +
					"and the heights ignored.",
				"required": false,
				"style":    "form",
				"explode":  false,
				"schema": obj{
					"type":  "array",
					"oneOf": []any{obj{"minItems": 4, "maxItems": 4}, obj{"minItems": 6, "maxItems": 6}},
					"items": obj{"type": "number"},
				},
			},
			"limit": obj{
				"name": paramLimit,
				"in":   "query",
				"description": "The number of features on a page. A limit above the maximum is served as the " +
					"maximum; below 1 it is rejected.",
				"required": false,
				"style":    "form",
				"explode":  false,
				"schema":   obj{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": def},
			},
			"cursor": obj{
				"name": paramCursor,
				"in":   "query",
				"description": "Where the page starts: the next link sets it to the id of the last feature of the " +
					"page before. Any page costs the same.",
				"required": false,
				"style":    "form",
				"explode":  false,
				"schema":   obj{"type": "string"},
			},
			"offset": obj{
				"name":        paramOffset,
				"in":          "query",
				"description": "The number of matching features to skip: the start of the page. The next link sets it.",
				"required":    false,
				"style":       "form",
				"explode":     false,
				"schema":      obj{"type": "integer", "minimum": 0, "maximum": MaxOffset, "default": 0},
			},
			"featureId": obj{
				"name":        "featureId",
				"in":          "path",
				"description": "The identifier of a feature.",
				"required":    true,
				"schema":      obj{"type": "string"},
			},
			"f-json":    format("json"),
			"f-geojson": format("json", "geojson"),
		},
		"responses": obj{
			"LandingPage": response("The landing page.", MediaTypeJSON, ref("schemas/landingPage")),
			"ConformanceDeclaration": response("The conformance classes implemented.", MediaTypeJSON,
				ref("schemas/confClasses")),
			"API":         response("The API definition.", MediaTypeOpenAPI, obj{"type": "object"}),
			"Collections": response("The feature collections.", MediaTypeJSON, ref("schemas/collections")),
			"Collection":  response("A feature collection.", MediaTypeJSON, ref("schemas/collection")),
			"Features": response("A page of the matching features.", MediaTypeGeoJSON,
				ref("schemas/featureCollectionGeoJSON")),
			"Feature": response("A feature.", MediaTypeGeoJSON, ref("schemas/featureGeoJSON")),
			"InvalidParameter": response("A query parameter is unknown, given twice or has a bad value.",
				MediaTypeJSON, ref("schemas/exception")),
			"NotFound":    response("No such collection or feature.", MediaTypeJSON, ref("schemas/exception")),
			"ServerError": response("A server error.", MediaTypeJSON, ref("schemas/exception")),
		},
		"schemas": obj{
			"link": obj{
				"type":     "object",
				"required": []string{"href"},
				"properties": obj{
					"href":  obj{"type": "string"},
					"rel":   obj{"type": "string"},
					"type":  obj{"type": "string"},
					"title": obj{"type": "string"},
				},
			},
			"exception": obj{
				"type":     "object",
				"required": []string{"code"},
				"properties": obj{
					"code":        obj{"type": "string"},
					"description": obj{"type": "string"},
				},
			},
			"landingPage": obj{
				"type":     "object",
				"required": []string{"links"},
				"properties": obj{
					"title":       obj{"type": "string"},
					"description": obj{"type": "string"},
					"links":       links,
				},
			},
			"confClasses": obj{
				"type":       "object",
				"required":   []string{"conformsTo"},
				"properties": obj{"conformsTo": obj{"type": "array", "items": obj{"type": "string"}}},
			},
			"collections": obj{
				"type":     "object",
				"required": []string{"links", "collections"},
				"properties": obj{
					"links":       links,
					"collections": obj{"type": "array", "items": ref("schemas/collection")},
				},
			},
			"collection": obj{
				"type":     "object",
				"required": []string{"id", "links"},
				"properties": obj{
					"id":          obj{"type": "string"},
					"title":       obj{"type": "string"},
					"description": obj{"type": "string"},
					"links":       links,
					"extent":      ref("schemas/extent"),
					"itemType":    obj{"type": "string", "default": "feature"},
					"crs":         obj{"type": "array", "items": obj{"type": "string"}},
					"storageCrs":  obj{"type": "string"},
				},
			},
			"extent": obj{
				"type": "object",
				"properties": obj{
					"spatial": obj{
						"type": "object",
						"properties": obj{
							"bbox": obj{
								"type":     "array",
								"minItems": 1,
								"items": obj{
									"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"},
								},
							},
							"crs": obj{"type": "string", "enum": []string{CRS84}, "default": CRS84},
						},
					},
					"temporal": obj{
						"type": "object",
						"properties": obj{
							"interval": obj{
								"type":     "array",
								"minItems": 1,
								"items": obj{
									"type": "array", "minItems": 2, "maxItems": 2,
									"items": obj{"type": "string", "format": "date-time", "nullable": true},
								},
							},
							"trs": obj{"type": "string", "enum": []string{TRSGregorian}, "default": TRSGregorian},
						},
					},
				},
			},
			"featureCollectionGeoJSON": obj{
				"type":     "object",
				"required": []string{"type", "features"},
				"properties": obj{
					"type":           obj{"type": "string", "enum": []string{"FeatureCollection"}},
					"features":       obj{"type": "array", "items": ref("schemas/featureGeoJSON")},
					"links":          links,
					"timeStamp":      obj{"type": "string", "format": "date-time"},
					"numberMatched":  obj{"type": "integer", "minimum": 0},
					"numberReturned": obj{"type": "integer", "minimum": 0},
				},
			},
			"featureGeoJSON": obj{
				"type":     "object",
				"required": []string{"type", "geometry", "properties"},
				"properties": obj{
					"type":       obj{"type": "string", "enum": []string{"Feature"}},
					"geometry":   ref("schemas/geometryGeoJSON"),
					"properties": obj{"type": "object", "nullable": true},
					"id":         obj{"oneOf": []any{obj{"type": "string"}, obj{"type": "integer"}}},
					"links":      links,
				},
			},
			"geometryGeoJSON": obj{
				"type":     "object",
				"nullable": true,
				"required": []string{"type"},
				"properties": obj{
					"type": obj{"type": "string", "enum": []string{
						"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon",
						"GeometryCollection",
					}},
					"coordinates": obj{"type": "array"},
					"geometries":  obj{"type": "array", "items": ref("schemas/geometryGeoJSON")},
				},
			},
		},
	}
}
