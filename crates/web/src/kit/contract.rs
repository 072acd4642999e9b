//! The parts of the OpenAPI document that hold for every operation, added in
//! one place instead of on each handler:
//!
//! - the error responses every operation can give, from what it takes: 401
//!   everywhere (a token is required), 400/413/415/422 with a request body,
//!   400 with query parameters, 404 with path parameters, a body or query
//!   parameters (objects of other tenants are 404), 403 for changes outside
//!   the secretariat (roles), 404 everywhere under `/secretariat` (only
//!   secretariat users get in);
//! - the limits the handlers enforce (enums, ranges, lengths), taken from the
//!   same constants and lists the checks use.

use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn};
use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{Components, ContentBuilder, OpenApi, Ref, RefOr, ResponseBuilder, header::HeaderBuilder};

/// The shared error responses: (status, component name, description).
const SHARED: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "Malformed request: the body is not JSON or not of the documented shape (a missing field, a wrong type, an unknown field), or a query parameter cannot be read (`bad_request`)",
    ),
    (
        "401",
        "Unauthorized",
        "No valid API token (`Authorization: Bearer etl_pat_…`) (`unauthorized`)",
    ),
    (
        "403",
        "Forbidden",
        "The user's role in the tenant does not allow this (`forbidden`)",
    ),
    (
        "404",
        "NotFound",
        "No such object, or one of a tenant the user does not belong to; under /secretariat also: the user is not a secretariat user (`not_found`)",
    ),
    (
        "413",
        "TooLarge",
        "The request body is larger than 64 KiB (`too_large`)",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The body is not sent as `Content-Type: application/json` (`unsupported_media_type`)",
    ),
    (
        "422",
        "Unprocessable",
        "Well-formed, but a value is refused; `fields` names the refused fields where known, and nothing was changed (`invalid`)",
    ),
];

fn shared_ref(status: &str) -> Option<RefOr<utoipa::openapi::Response>> {
    SHARED
        .iter()
        .find(|(s, _, _)| *s == status)
        .map(|(_, name, _)| RefOr::Ref(Ref::from_response_name(*name)))
}

fn add_components(components: &mut Components) {
    for (status, name, description) in SHARED {
        let mut response = ResponseBuilder::new().description(*description).content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        );
        if *status == "401" {
            response = response.header(
                "WWW-Authenticate",
                HeaderBuilder::new()
                    .description(Some("`Bearer realm=\"etterlev\"`"))
                    .build(),
            );
        }
        components
            .responses
            .insert((*name).to_owned(), RefOr::T(response.build()));
    }
}

/// The statuses an operation can answer with besides its own, from its
/// shape.
fn statuses(path: &str, method: &HttpMethod, op: &Operation) -> Vec<&'static str> {
    let secretariat = path.starts_with("/secretariat");
    let params = op.parameters.as_deref().unwrap_or(&[]);
    let has = |wanted: ParameterIn| {
        params.iter().any(
            |p| matches!(p, RefOr::T(p) if std::mem::discriminant(&p.parameter_in) == std::mem::discriminant(&wanted)),
        )
    };
    let body = op.request_body.is_some();
    let query = has(ParameterIn::Query);
    let mut out = vec!["401"];
    if body || query {
        out.push("400");
    }
    if body {
        out.extend(["413", "415", "422"]);
    }
    if secretariat || path.contains('{') || body || query {
        out.push("404");
    }
    if !secretariat && !matches!(method, HttpMethod::Get) {
        out.push("403");
    }
    out
}

/// Adds the shared error responses to every operation that lacks them.
pub struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, doc: &mut OpenApi) {
        add_components(doc.components.get_or_insert_with(Default::default));
        for (path, item) in doc.paths.paths.iter_mut() {
            let ops = [
                (HttpMethod::Get, &mut item.get),
                (HttpMethod::Put, &mut item.put),
                (HttpMethod::Post, &mut item.post),
                (HttpMethod::Delete, &mut item.delete),
                (HttpMethod::Patch, &mut item.patch),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                for status in statuses(path, &method, op) {
                    if !op.responses.responses.contains_key(status)
                        && let Some(r) = shared_ref(status)
                    {
                        op.responses.responses.insert(status.to_owned(), r);
                    }
                }
            }
        }
    }
}

/// One limit of one property of a component schema.
#[derive(Debug)]
pub(crate) enum Limit {
    /// One of these strings.
    OneOf(Vec<String>),
    /// An integer in this range.
    Range(i64, i64),
    /// At most this many characters.
    MaxLength(usize),
    /// Matching this regular expression; only documented here, the type's
    /// own deserializer enforces it (a mismatch is 400).
    Pattern(&'static str),
}

/// The machine names of every value of a core enum.
pub(crate) fn one_of<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Limit {
    Limit::OneOf(all.iter().map(|v| name(*v).to_owned()).collect())
}

/// Applies limits to properties of component schemas; a schema or property
/// that does not exist is a programming error caught by the tests (the
/// document lists it under `x-unknown-limits`).
pub(crate) fn apply(doc: &mut OpenApi, limits: &[(&str, &str, Limit)]) {
    let mut unknown = Vec::new();
    let schemas = doc.components.get_or_insert_with(Default::default);
    for (schema, property, limit) in limits {
        // `list[].field` is `field` of the schema the items of `list` refer to.
        let (schema, property) = match property.split_once("[].") {
            Some((list, field)) => {
                let items = match schemas.schemas.get(*schema) {
                    Some(RefOr::T(Schema::Object(o))) => match o.properties.get(list) {
                        Some(RefOr::T(Schema::Array(a))) => match &a.items {
                            ArrayItems::RefOrSchema(r) => match r.as_ref() {
                                RefOr::Ref(r) => r.ref_location.rsplit('/').next().map(str::to_owned),
                                RefOr::T(_) => None,
                            },
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                };
                (items.unwrap_or_default(), field)
            }
            None => ((*schema).to_owned(), *property),
        };
        let target = match schemas.schemas.get_mut(&schema) {
            Some(RefOr::T(Schema::Object(o))) => o.properties.get_mut(property),
            _ => None,
        };
        let Some(RefOr::T(Schema::Object(p))) = target else {
            unknown.push(format!("{schema}.{property}"));
            continue;
        };
        match limit {
            Limit::OneOf(values) => {
                let mut v: Vec<serde_json::Value> = values.iter().map(|s| s.clone().into()).collect();
                if matches!(&p.schema_type, SchemaType::Array(types) if types.contains(&Type::Null)) {
                    v.push(serde_json::Value::Null);
                }
                p.enum_values = Some(v);
            }
            Limit::Range(min, max) => {
                p.minimum = Some((*min).into());
                p.maximum = Some((*max).into());
            }
            Limit::MaxLength(n) => p.max_length = Some(*n),
            Limit::Pattern(re) => p.pattern = Some((*re).to_owned()),
        }
    }
    if !unknown.is_empty() {
        let ext = doc.extensions.get_or_insert_with(Default::default);
        ext.insert("x-unknown-limits".into(), unknown.into());
    }
}

/// Checks a body that has the shape of schema `schema` against its limits;
/// the refused fields. Values of another type are the deserializer's
/// business (400), absent and null ones are not checked here.
pub(crate) fn check(schema: &str, body: &serde_json::Value) -> Vec<crate::kit::api::FieldErrorDto> {
    let mut out = Vec::new();
    for (name, property, limit) in crate::api::limits() {
        if *name != schema {
            continue;
        }
        let values: Vec<&serde_json::Value> = match property.split_once("[].") {
            Some((list, field)) => match &body[list] {
                serde_json::Value::Array(items) => items.iter().map(|i| &i[field]).collect(),
                _ => Vec::new(),
            },
            None => vec![&body[*property]],
        };
        let refused = values.into_iter().find_map(|value| match (limit, value) {
            (Limit::OneOf(values), serde_json::Value::String(s)) => {
                (!values.iter().any(|v| v == s)).then(|| format!("{property} must be one of {}", values.join(", ")))
            }
            (Limit::Range(min, max), serde_json::Value::Number(n)) => {
                let inside = n.as_i64().is_some_and(|i| (*min..=*max).contains(&i));
                (!inside).then(|| format!("{property} must be from {min} to {max}"))
            }
            (Limit::MaxLength(max), serde_json::Value::String(s)) => {
                (s.chars().count() > *max).then(|| format!("{property} must be at most {max} characters"))
            }
            _ => None,
        });
        if let Some(message) = refused {
            out.push(crate::kit::api::FieldErrorDto {
                field: (*property).to_owned(),
                message,
            });
        }
    }
    out
}
