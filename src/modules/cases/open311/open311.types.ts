/*
 * Open311 GeoReport v2 documents (http://wiki.open311.org/GeoReport_v2), field for field.
 * Names stay snake_case because the protocol owns them. Field order in each interface is the
 * order of the spec's response tables, which is also the order the renderer writes.
 *
 * Nullability follows the spec's "Notes & Requirements": a field the spec always returns is
 * required here and `null` when empty (rendered `<x></x>` / `null`); a field the spec says
 * "may not be returned" is optional, and leaving it `undefined` omits it from the document.
 */

/** Output formats selected by the URL suffix (`services.xml`, `requests/12.json`). */
export const OPEN311_FORMATS = ['xml', 'json'] as const;
/** An output format. */
export type Open311Format = (typeof OPEN311_FORMATS)[number];

/** How a service answers a POST: with an id now, with a token for later, or with nothing. */
export const OPEN311_SERVICE_TYPES = ['realtime', 'batch', 'blackbox'] as const;
/** A service type. */
export type Open311ServiceType = (typeof OPEN311_SERVICE_TYPES)[number];

/** The input kinds a service definition attribute can ask for. */
export const OPEN311_DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
/** An attribute datatype. */
export type Open311Datatype = (typeof OPEN311_DATATYPES)[number];

/** The only two statuses GeoReport v2 knows. */
export const OPEN311_STATUSES = ['open', 'closed'] as const;
/** A service request status. */
export type Open311Status = (typeof OPEN311_STATUSES)[number];

/** One entry of GET services: a request type a citizen can choose. */
export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string | null;
  /** true: the client must fetch the service definition for extra fields. */
  metadata: boolean;
  type: Open311ServiceType;
  /** Comma-separated tags, as one string (the spec does not make it a list). */
  keywords: string | null;
  group: string | null;
}

/** One option of a singlevaluelist / multivaluelist attribute. */
export interface Open311AttributeValue {
  key: string;
  name: string;
}

/** One extra form field of a service definition. */
export interface Open311Attribute {
  /** false: shown to the user as information only, never answered. */
  variable: boolean;
  code: string;
  datatype: Open311Datatype;
  required: boolean;
  datatype_description: string | null;
  /** Presentation order, 1 first; unique within a service. */
  order: number;
  description: string;
  /** The allowed options; rendered only when defined (list datatypes). */
  values?: readonly Open311AttributeValue[];
}

/** GET services/[service_code]: the extra fields of one service. */
export interface Open311ServiceDefinition {
  service_code: string;
  attributes: readonly Open311Attribute[];
}

/** One entry of GET requests / GET requests/[id]. Datetimes are W3C strings with an offset. */
export interface Open311ServiceRequest {
  service_request_id: string;
  status: Open311Status;
  status_notes?: string | null;
  service_name: string | null;
  service_code: string;
  description: string | null;
  agency_responsible?: string | null;
  service_notice?: string | null;
  requested_datetime: string;
  updated_datetime: string | null;
  expected_datetime?: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

interface PostResponseExtras {
  service_notice?: string | null;
  account_id?: string | null;
}

/**
 * One entry of the POST requests answer. The spec forbids returning both an id and a token, so the
 * union makes that unrepresentable: realtime services return the id, batch a token, blackbox neither.
 */
export type Open311PostResponse =
  | (PostResponseExtras & { service_request_id: string; token?: never })
  | (PostResponseExtras & { token: string; service_request_id?: never })
  | (PostResponseExtras & { service_request_id?: never; token?: never });

/** One entry of GET tokens/[token]. */
export interface Open311TokenResponse {
  service_request_id: string;
  token: string;
}

/** One entry of an error document; `code` usually repeats the HTTP status. */
export interface Open311ErrorItem {
  code: number | string;
  description: string;
}

/** One API endpoint listed by service discovery. */
export interface Open311DiscoveryEndpoint {
  /** Spec token, e.g. http://wiki.open311.org/GeoReport_v2 */
  specification: string;
  url: string;
  changeset: string;
  type: 'production' | 'test';
  /** MIME types, e.g. text/xml, application/json. */
  formats: readonly string[];
}

/** The service discovery document (discovery.xml / discovery.json). */
export interface Open311Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: readonly Open311DiscoveryEndpoint[];
}

/** Every document the protocol layer renders, by kind. */
export interface Open311Documents {
  services: readonly Open311Service[];
  service_definition: Open311ServiceDefinition;
  service_requests: readonly Open311ServiceRequest[];
  post_response: readonly Open311PostResponse[];
  token: readonly Open311TokenResponse[];
  errors: readonly Open311ErrorItem[];
  discovery: Open311Discovery;
}

/** A document kind. */
export type Open311DocumentKind = keyof Open311Documents;

/** A validated POST requests body; at least one location form (lat+long, address_string, address_id) is present. */
export interface Open311PostInput {
  jurisdiction_id?: string;
  /** Passed through untouched: checking it (403) is the caller's job. */
  api_key?: string;
  service_code: string;
  /** lat and long are either both present or both absent. */
  lat?: number;
  long?: number;
  address_string?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  /** attribute[CODE]=v gives a string; attribute[CODE][]=v… gives an array. */
  attributes: Readonly<Record<string, string | readonly string[]>>;
}

/** Parsed GET requests query. Defaults (90-day window, 1000 results) are applied by the caller. */
export interface Open311RequestsQuery {
  jurisdiction_id?: string;
  /** When present the spec says it overrides every other filter, so the others are left out. */
  service_request_ids?: readonly string[];
  service_codes?: readonly string[];
  start_date?: Date;
  end_date?: Date;
  statuses?: readonly Open311Status[];
}
