package ogc

import (
	"context"
	"net/url"
)

// JSONSchemaDialect is the JSON Schema version of the schema documents (OGC API – Features – Part 5 uses 2020-12).
const JSONSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// propertySchema is the JSON Schema of one property.
func propertySchema(p Property) obj {
	o := obj{"type": p.Type}
	if p.Format != "" {
		o["format"] = p.Format
	}
	if p.Title != "" {
		o["title"] = p.Title
	}
	if p.Description != "" {
		o["description"] = p.Description
	}
	if len(p.Enum) > 0 {
		o["enum"] = p.Enum
	}
	return o
}

// Schema returns the schema of the collection with id (OGC API – Features – Part 5, /collections/{id}/schema): a
// JSON Schema object whose properties are the features' properties with their types, the id and the geometry
// marked by their x-ogc-role. It accepts the query parameter f=json and ignores others.
func (s *Service) Schema(ctx context.Context, base, id string, params url.Values) (Document, error) {
	_, info, err := s.find(id)
	if err != nil {
		return Document{}, err
	}
	if err := checkParams(params, "json"); err != nil {
		return Document{}, err
	}
	props := obj{
		"id":       obj{"x-ogc-role": "id", "type": []string{"string", "integer"}},
		"geometry": obj{"x-ogc-role": "primary-geometry", "format": "geometry-point"},
	}
	for _, p := range info.Properties {
		props[p.Name] = propertySchema(p)
	}
	if info.TemporalProperty != "" {
		if p, ok := props[info.TemporalProperty].(obj); ok {
			p["x-ogc-role"] = "primary-instant"
		}
	}
	return Document{MediaType: MediaTypeJSONSchema, Body: obj{
		"$schema":    JSONSchemaDialect,
		"$id":        newURLs(base).collection(id) + "/schema",
		"title":      titleOf(info),
		"type":       "object",
		"properties": props,
	}}, nil
}

// FeatureSchema returns the JSON Schema of a GeoJSON feature of the collection with id: a Feature whose properties
// member holds the collection's properties with their types. GDAL's OAPIF driver finds it by the collection's
// describedBy link and takes its field types from it rather than guessing them from the first page (where 4.0
// written as 4 would make a field of integers). It accepts f=json and ignores other parameters.
func (s *Service) FeatureSchema(ctx context.Context, base, id string, params url.Values) (Document, error) {
	_, info, err := s.find(id)
	if err != nil {
		return Document{}, err
	}
	if err := checkParams(params, "json"); err != nil {
		return Document{}, err
	}
	props := obj{}
	for _, p := range info.Properties {
		props[p.Name] = propertySchema(p)
	}
	return Document{MediaType: MediaTypeJSONSchema, Body: obj{
		"$schema":  JSONSchemaDialect,
		"$id":      newURLs(base).collection(id) + "/feature-schema",
		"title":    "A feature of " + titleOf(info),
		"type":     "object",
		"required": []string{"type", "geometry", "properties"},
		"properties": obj{
			"type":       obj{"type": "string", "enum": []string{"Feature"}},
			"id":         obj{"type": []string{"string", "integer"}},
			"geometry":   obj{"type": "object", "properties": obj{"type": obj{"type": "string", "enum": []string{"Point"}}}},
			"properties": obj{"type": "object", "properties": props},
		},
	}}, nil
}

// Queryables returns the queryables of the collection with id (OGC API – Features – Part 3,
// /collections/{id}/queryables): the properties its items can be filtered on by a query parameter of the same
// name, with their types, and the geometry (bbox) and, where the collection has one, its time (datetime). It accepts
// f=json and ignores other parameters.
func (s *Service) Queryables(ctx context.Context, base, id string, params url.Values) (Document, error) {
	_, info, err := s.find(id)
	if err != nil {
		return Document{}, err
	}
	if err := checkParams(params, "json"); err != nil {
		return Document{}, err
	}
	types := map[string]Property{}
	for _, p := range info.Properties {
		types[p.Name] = p
	}
	props := obj{"geometry": obj{"x-ogc-role": "primary-geometry", "format": "geometry-point",
		"description": "Filter with bbox."}}
	if tp := info.TemporalProperty; tp != "" {
		p := propertySchema(Property{Type: "string", Format: types[tp].Format, Description: "Filter with datetime: " +
			info.TemporalDescription})
		p["x-ogc-role"] = "primary-instant"
		props[tp] = p
	}
	for _, f := range info.Filters {
		p, ok := types[f.Name]
		if !ok {
			p = Property{Type: "string"}
		}
		p.Description = f.Description
		if len(f.Enum) > 0 {
			p.Enum = f.Enum
		}
		props[f.Name] = propertySchema(p)
	}
	return Document{MediaType: MediaTypeJSONSchema, Body: obj{
		"$schema":              JSONSchemaDialect,
		"$id":                  newURLs(base).collection(id) + "/queryables",
		"title":                "Queryables of " + titleOf(info),
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}}, nil
}
