import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXml, formatW3cDatetime, render, renderJson, renderXml } from './open311.format.ts';
import type {
  Open311Discovery,
  Open311Service,
  Open311ServiceDefinition,
  Open311ServiceRequest,
} from './open311.types.ts';

/*
 * Expected documents are typed by hand from the GeoReport v2 spec's examples. Two deliberate
 * differences from the spec text: ids and codes are strings in JSON (the spec's `001` is not even
 * valid JSON, and real servers send "4e09c863…" or "14-01100669"), and every service is written in
 * the field-table order (the spec's own second and third services shuffle their elements).
 */

const SERVICES: Open311Service[] = [
  {
    service_code: '001',
    service_name: 'Cans left out 24x7',
    description:
      'Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.',
    metadata: true,
    type: 'realtime',
    keywords: 'lorem, ipsum, dolor',
    group: 'sanitation',
  },
  {
    service_code: '002',
    service_name: 'Construction plate shifted',
    description: 'Metal construction plate covering the street or sidewalk has been moved.',
    metadata: true,
    type: 'realtime',
    keywords: 'lorem, ipsum, dolor',
    group: 'street',
  },
];

const SERVICES_XML = `<?xml version="1.0" encoding="utf-8"?>
<services>
    <service>
        <service_code>001</service_code>
        <service_name>Cans left out 24x7</service_name>
        <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.</description>
        <metadata>true</metadata>
        <type>realtime</type>
        <keywords>lorem, ipsum, dolor</keywords>
        <group>sanitation</group>
    </service>
    <service>
        <service_code>002</service_code>
        <service_name>Construction plate shifted</service_name>
        <description>Metal construction plate covering the street or sidewalk has been moved.</description>
        <metadata>true</metadata>
        <type>realtime</type>
        <keywords>lorem, ipsum, dolor</keywords>
        <group>street</group>
    </service>
</services>
`;

const DEFINITION: Open311ServiceDefinition = {
  service_code: 'DMV66',
  attributes: [
    {
      variable: true,
      code: 'WHISHETN',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: null,
      order: 1,
      description: 'What is the ticket/tag/DL number?',
      values: [
        { key: '123', name: 'Ford' },
        { key: '124', name: 'Chrysler' },
      ],
    },
  ],
};

const DEFINITION_XML = `<?xml version="1.0" encoding="utf-8"?>
<service_definition>
    <service_code>DMV66</service_code>
    <attributes>
        <attribute>
            <variable>true</variable>
            <code>WHISHETN</code>
            <datatype>singlevaluelist</datatype>
            <required>true</required>
            <datatype_description></datatype_description>
            <order>1</order>
            <description>What is the ticket/tag/DL number?</description>
            <values>
                <value>
                    <key>123</key>
                    <name>Ford</name>
                </value>
                <value>
                    <key>124</key>
                    <name>Chrysler</name>
                </value>
            </values>
        </attribute>
    </attributes>
</service_definition>
`;

const REQUEST: Open311ServiceRequest = {
  service_request_id: '638344',
  status: 'closed',
  status_notes: 'Duplicate request.',
  service_name: 'Sidewalk and Curb Issues',
  service_code: '006',
  description: null,
  agency_responsible: null,
  service_notice: null,
  requested_datetime: '2010-04-14T06:37:38-08:00',
  updated_datetime: '2010-04-14T06:37:38-08:00',
  expected_datetime: '2010-04-15T06:37:38-08:00',
  address: '8TH AVE and JUDAH ST',
  address_id: '545483',
  zipcode: '94122',
  lat: 37.762221815,
  long: -122.4651145,
  media_url: 'http://city.gov.s3.amazonaws.com/requests/media/638344.jpg ',
};

// Byte for byte the spec's "GET Service Request" example (including its media_url's trailing space).
const REQUEST_XML = `<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <status>closed</status>
        <status_notes>Duplicate request.</status_notes>
        <service_name>Sidewalk and Curb Issues</service_name>
        <service_code>006</service_code>
        <description></description>
        <agency_responsible></agency_responsible>
        <service_notice></service_notice>
        <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
        <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
        <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
        <address>8TH AVE and JUDAH ST</address>
        <address_id>545483</address_id>
        <zipcode>94122</zipcode>
        <lat>37.762221815</lat>
        <long>-122.4651145</long>
        <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg </media_url>
    </request>
</service_requests>
`;

const NOTICE =
  'The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code';

const DISCOVERY: Open311Discovery = {
  changeset: '2011-02-03 14:18',
  contact: 'You can email or call for assistance api@mycity.org +1 (555) 555-5555',
  key_service: 'You can request a key here: http://api.mycity.gov/api_key/request',
  endpoints: [
    {
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://open311.mycity.gov/v2',
      changeset: '2010-11-23 09:01',
      type: 'production',
      formats: ['text/xml'],
    },
    {
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://open311.mycity.gov/test/v2',
      changeset: '2010-10-02 09:01',
      type: 'test',
      formats: ['text/xml', 'application/json'],
    },
  ],
};

const DISCOVERY_XML = `<?xml version="1.0" encoding="utf-8"?>
<discovery>
    <changeset>2011-02-03 14:18</changeset>
    <contact>You can email or call for assistance api@mycity.org +1 (555) 555-5555</contact>
    <key_service>You can request a key here: http://api.mycity.gov/api_key/request</key_service>
    <endpoints>
        <endpoint>
            <specification>http://wiki.open311.org/GeoReport_v2</specification>
            <url>http://open311.mycity.gov/v2</url>
            <changeset>2010-11-23 09:01</changeset>
            <type>production</type>
            <formats>
                <format>text/xml</format>
            </formats>
        </endpoint>
        <endpoint>
            <specification>http://wiki.open311.org/GeoReport_v2</specification>
            <url>http://open311.mycity.gov/test/v2</url>
            <changeset>2010-10-02 09:01</changeset>
            <type>test</type>
            <formats>
                <format>text/xml</format>
                <format>application/json</format>
            </formats>
        </endpoint>
    </endpoints>
</discovery>
`;

describe('renderXml reproduces the spec examples', () => {
  it('writes GET services as <services><service> in the field-table order', () => {
    expect(renderXml('services', SERVICES)).toBe(SERVICES_XML);
  });

  it('writes a service definition with <attributes><attribute> and <values><value><key><name>', () => {
    expect(renderXml('service_definition', DEFINITION)).toBe(DEFINITION_XML);
  });

  it('writes GET requests byte for byte, empty fields as <x></x>', () => {
    expect(renderXml('service_requests', [REQUEST])).toBe(REQUEST_XML);
  });

  it('writes the POST answer under <service_requests><request> with an empty account_id', () => {
    // The spec writes <account_id/>; <account_id></account_id> is the same XML and the form used everywhere else.
    expect(renderXml('post_response', [{ service_request_id: '293944', service_notice: NOTICE, account_id: null }])).toBe(
      `<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>293944</service_request_id>
        <service_notice>${NOTICE}</service_notice>
        <account_id></account_id>
    </request>
</service_requests>
`,
    );
  });

  it('writes a batch POST answer with the token and no id', () => {
    const xml = renderXml('post_response', [{ token: 'tok-1' }], { pretty: false });
    expect(xml).toBe('<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request><token>tok-1</token></request></service_requests>');
  });

  it('writes GET tokens as id then token', () => {
    expect(renderXml('token', [{ service_request_id: '638344', token: '12345' }])).toBe(
      `<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <token>12345</token>
    </request>
</service_requests>
`,
    );
  });

  it('writes errors as <errors><error><code><description>', () => {
    const description = "Invalid api_key received -- can't proceed with create_request.";
    expect(renderXml('errors', [{ code: 403, description }])).toBe(
      `<?xml version="1.0" encoding="utf-8"?>
<errors>
    <error>
        <code>403</code>
        <description>Invalid api_key received -- can&apos;t proceed with create_request.</description>
    </error>
</errors>
`,
    );
  });

  it('writes the service discovery document with endpoints and formats', () => {
    expect(renderXml('discovery', DISCOVERY)).toBe(DISCOVERY_XML);
  });

  it('writes an empty list as an empty root element', () => {
    expect(renderXml('service_requests', [])).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<service_requests></service_requests>\n',
    );
  });
});

describe('renderJson follows the spec examples (Spark convention)', () => {
  it('writes services as a top-level array of objects in field-table order', () => {
    const parsed = JSON.parse(renderJson('services', SERVICES)) as Record<string, unknown>[];
    expect(parsed).toEqual(SERVICES);
    expect(Object.keys(parsed[0] ?? {})).toEqual([
      'service_code',
      'service_name',
      'description',
      'metadata',
      'type',
      'keywords',
      'group',
    ]);
  });

  it('writes a service definition as an object with attributes and values arrays', () => {
    expect(JSON.parse(renderJson('service_definition', DEFINITION))).toEqual({
      service_code: 'DMV66',
      attributes: [
        {
          variable: true,
          code: 'WHISHETN',
          datatype: 'singlevaluelist',
          required: true,
          datatype_description: null,
          order: 1,
          description: 'What is the ticket/tag/DL number?',
          values: [
            { key: '123', name: 'Ford' },
            { key: '124', name: 'Chrysler' },
          ],
        },
      ],
    });
  });

  it('writes requests with null for empty fields and numbers for lat/long', () => {
    const [first] = JSON.parse(renderJson('service_requests', [REQUEST])) as Record<string, unknown>[];
    expect(first).toEqual({ ...REQUEST });
    expect(first?.description).toBeNull();
    expect(first?.lat).toBe(37.762221815);
    expect(Object.keys(first ?? {})).toEqual(Object.keys(REQUEST));
  });

  it('leaves out "may not be returned" fields that are undefined', () => {
    const { status_notes: _n, agency_responsible: _a, service_notice: _s, expected_datetime: _e, ...bare } = REQUEST;
    const [first] = JSON.parse(renderJson('service_requests', [bare])) as Record<string, unknown>[];
    expect(Object.keys(first ?? {})).not.toContain('status_notes');
    expect(Object.keys(first ?? {})).not.toContain('expected_datetime');
    expect(first?.service_request_id).toBe('638344');
  });

  it('writes the POST answer as an array with one object', () => {
    expect(JSON.parse(renderJson('post_response', [{ service_request_id: '293944', service_notice: NOTICE, account_id: null }]))).toEqual([
      { service_request_id: '293944', service_notice: NOTICE, account_id: null },
    ]);
  });

  it('writes errors as an array of {code, description}', () => {
    expect(JSON.parse(renderJson('errors', [{ code: 403, description: 'bad key' }]))).toEqual([
      { code: 403, description: 'bad key' },
    ]);
  });

  it('writes discovery with endpoints and formats as arrays of strings', () => {
    const parsed = JSON.parse(renderJson('discovery', DISCOVERY)) as Open311Discovery;
    expect(parsed).toEqual(DISCOVERY);
    expect(parsed.endpoints[1]?.formats).toEqual(['text/xml', 'application/json']);
  });

  it('writes compact JSON when pretty is false', () => {
    expect(renderJson('token', [{ service_request_id: '1', token: 't' }], { pretty: false })).toBe(
      '[{"service_request_id":"1","token":"t"}]',
    );
  });

  it('render() picks the format', () => {
    expect(render('json', 'errors', [{ code: 400, description: 'x' }])).toContain('"code": 400');
    expect(render('xml', 'errors', [{ code: 400, description: 'x' }])).toContain('<code>400</code>');
  });
});

describe('XML escaping', () => {
  const parser = new XMLParser({ parseTagValue: false, trimValues: false, htmlEntities: true, isArray: (n) => n === 'error' });
  const roundTrip = (text: string): string => {
    const xml = renderXml('errors', [{ code: 400, description: text }]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml) as { errors: { error: { description: string }[] } };
    return doc.errors.error[0]?.description ?? '';
  };

  it('escapes markup so a hostile description stays text', () => {
    const hostile = '<script>alert("x")</script></description><code>200</code>';
    const xml = renderXml('errors', [{ code: 400, description: hostile }]);
    expect(xml).not.toContain('<script>');
    expect(xml).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(roundTrip(hostile)).toBe(hostile);
  });

  it('escapes all five markup characters', () => {
    expect(escapeXml(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &apos; f');
    expect(roundTrip(`Tom & Jerry's "bar" <1>`)).toBe(`Tom & Jerry's "bar" <1>`);
  });

  it('keeps Chinese, emoji and CRLF line breaks intact', () => {
    const text = '路灯不亮 🚧 幸福路 12 号\r\n第二行 ✅';
    expect(roundTrip(text)).toBe(text);
  });

  it('replaces characters XML 1.0 cannot carry, so the document stays well-formed', () => {
    const text = `bell\u0007 nul\u0000 lone\uD800 ok`;
    expect(roundTrip(text)).toBe('bell\uFFFD nul\uFFFD lone\uFFFD ok');
  });

  it('keeps the same characters in JSON, which can carry them', () => {
    const text = '<script>&"\' 汉字 😀';
    expect((JSON.parse(renderJson('errors', [{ code: 400, description: text }])) as { description: string }[])[0]?.description).toBe(text);
  });
});

describe('render guards against caller bugs', () => {
  it('refuses a POST answer with both an id and a token', () => {
    const both = { service_request_id: '1', token: 't' } as unknown as { service_request_id: string };
    expect(() => renderXml('post_response', [both])).toThrow(/must not both/);
  });

  it('refuses a missing required field instead of dropping it silently', () => {
    const broken = { ...REQUEST, requested_datetime: undefined } as unknown as Open311ServiceRequest;
    expect(() => renderJson('service_requests', [broken])).toThrow(/requested_datetime/);
  });

  it('refuses a non-finite coordinate', () => {
    expect(() => renderXml('service_requests', [{ ...REQUEST, lat: Number.NaN }])).toThrow(/lat/);
  });
});

describe('formatW3cDatetime', () => {
  it('writes an instant in the city zone with its offset, to the second', () => {
    expect(formatW3cDatetime(new Date('2026-12-03T01:00:00.789Z'))).toBe('2026-12-03T09:00:00+08:00');
  });

  it('writes the spec example zone and Z for UTC', () => {
    expect(formatW3cDatetime(new Date('1994-11-05T13:15:30Z'), 'America/New_York')).toBe('1994-11-05T08:15:30-05:00');
    expect(formatW3cDatetime(new Date('1994-11-05T13:15:30Z'), 'UTC')).toBe('1994-11-05T13:15:30Z');
  });

  it('rejects an unknown zone', () => {
    expect(() => formatW3cDatetime(new Date(0), 'Mars/Olympus')).toThrow(RangeError);
  });
});
