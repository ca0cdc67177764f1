// Name, street and nickname tables for the sandbox population. Small on purpose: common
// names recur (same-name strangers are a real duplicate-finding hazard).
export const GIVEN = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth',
  'David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Nancy', 'Daniel', 'Margaret', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Dorothy',
  'Steven', 'Sandra', 'Andrew', 'Ashley', 'Joshua', 'Kimberly', 'Kenneth', 'Donna', 'Kevin', 'Emily',
  'Brian', 'Michelle', 'Timothy', 'Carol', 'Ronald', 'Amanda', 'Jason', 'Melissa', 'Edward', 'Deborah',
  'Jeffrey', 'Stephanie', 'Ryan', 'Rebecca', 'Jacob', 'Laura', 'Gary', 'Helen', 'Nicholas', 'Sharon',
  'Eric', 'Cynthia', 'Jonathan', 'Kathleen', 'Stephen', 'Amy', 'Larry', 'Shirley', 'Justin', 'Angela',
  'Zoë', 'José', 'Siobhán', 'Nguyen', 'Aisha', 'Mateo', 'Priya', 'Olamide', 'Björn', 'Chloé',
];

export const FAMILY = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Okafor', 'Fitzgerald', "O'Brien", 'Van der Berg', 'Müller', 'Lindqvist', 'Kowalski', 'Haddad', 'Tanaka', 'Abernathy',
];

/** Formal name -> nicknames people go by in another system. */
export const NICKNAMES: Record<string, string[]> = {
  Robert: ['Bob', 'Rob', 'Bobby'], William: ['Bill', 'Will', 'Billy'], Elizabeth: ['Liz', 'Beth', 'Betty'],
  James: ['Jim', 'Jimmy'], John: ['Jack', 'Johnny'], Michael: ['Mike'], Richard: ['Rick', 'Dick'],
  Joseph: ['Joe'], Thomas: ['Tom', 'Tommy'], Charles: ['Charlie', 'Chuck'], Christopher: ['Chris'],
  Daniel: ['Dan', 'Danny'], Matthew: ['Matt'], Anthony: ['Tony'], Steven: ['Steve'], Andrew: ['Andy', 'Drew'],
  Joshua: ['Josh'], Kenneth: ['Ken', 'Kenny'], Timothy: ['Tim'], Ronald: ['Ron'], Edward: ['Ed', 'Ted'],
  Jeffrey: ['Jeff'], Jacob: ['Jake'], Nicholas: ['Nick'], Jonathan: ['Jon'], Stephen: ['Steve'], Larry: ['Lawrence'],
  Patricia: ['Pat', 'Patty'], Jennifer: ['Jen', 'Jenny'], Margaret: ['Maggie', 'Peggy'], Barbara: ['Barb'],
  Susan: ['Sue'], Jessica: ['Jess'], Kimberly: ['Kim'], Deborah: ['Deb', 'Debbie'], Stephanie: ['Steph'],
  Rebecca: ['Becky'], Katherine: ['Kate', 'Kathy'], Kathleen: ['Kathy'], Cynthia: ['Cindy'], Dorothy: ['Dot'],
  Amanda: ['Mandy'], Melissa: ['Missy'], Samantha: ['Sam'], Gary: ['Gaz'],
};

export const STREETS = ['Main', 'Oak', 'Maple', 'Cedar', 'Elm', 'Pine', 'Washington', 'Lake', 'Hill', 'Park', 'Sunset', 'Lincoln', 'Jackson', 'Church', 'River'];
export const STREET_TYPES: [string, string][] = [['Street', 'St'], ['Avenue', 'Ave'], ['Road', 'Rd'], ['Drive', 'Dr'], ['Lane', 'Ln'], ['Boulevard', 'Blvd'], ['Court', 'Ct']];
export const CITIES: [string, string, string][] = [
  ['Springfield', 'IL', '627'], ['Portland', 'OR', '972'], ['Austin', 'TX', '787'], ['Columbus', 'OH', '432'], ['Denver', 'CO', '802'],
  ['Madison', 'WI', '537'], ['Raleigh', 'NC', '276'], ['Tucson', 'AZ', '857'], ['Boise', 'ID', '837'], ['Richmond', 'VA', '232'],
  ['Palo Alto', 'CA', '943'], ['Burlington', 'VT', '054'], ['Savannah', 'GA', '314'], ['Omaha', 'NE', '681'], ['Fresno', 'CA', '937'],
];
export const AREA_CODES = ['650', '415', '512', '614', '303', '608', '919', '520', '208', '804', '802', '912', '402', '559', '971'];
export const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella Health', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Soylent', 'Vandelay Imports', 'Cyberdyne', 'Northwind Traders', 'Contoso'];
export const ROLES = ['Donor', 'Volunteer', 'Board Member', 'Customer', 'Site Manager', 'Engineer', 'Accountant', 'Teacher', 'Nurse', 'Pastor'];
export const DEPARTMENTS = ['Sales', 'Operations', 'Finance', 'Facilities', 'Outreach'];
export const TAGS = ['newsletter', 'vip', 'lapsed', 'prospect', 'event-2024', 'monthly', 'major-donor'];
export const EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'proton.me', 'fastmail.com'];
