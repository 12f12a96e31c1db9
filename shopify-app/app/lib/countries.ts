/** Countries offered in the shipping rules editor (ISO 3166-1 alpha-2), plus "*" for the rest. */
export const COUNTRIES: Array<[string, string]> = [
  ["US", "United States"], ["CA", "Canada"], ["MX", "Mexico"], ["GB", "United Kingdom"], ["IE", "Ireland"],
  ["DE", "Germany"], ["FR", "France"], ["NL", "Netherlands"], ["BE", "Belgium"], ["LU", "Luxembourg"],
  ["ES", "Spain"], ["PT", "Portugal"], ["IT", "Italy"], ["AT", "Austria"], ["CH", "Switzerland"],
  ["DK", "Denmark"], ["SE", "Sweden"], ["NO", "Norway"], ["FI", "Finland"], ["IS", "Iceland"],
  ["PL", "Poland"], ["CZ", "Czechia"], ["SK", "Slovakia"], ["HU", "Hungary"], ["RO", "Romania"],
  ["GR", "Greece"], ["EE", "Estonia"], ["LV", "Latvia"], ["LT", "Lithuania"], ["SI", "Slovenia"],
  ["HR", "Croatia"], ["AU", "Australia"], ["NZ", "New Zealand"], ["JP", "Japan"], ["KR", "South Korea"],
  ["SG", "Singapore"], ["HK", "Hong Kong"], ["IN", "India"], ["AE", "United Arab Emirates"], ["IL", "Israel"],
  ["ZA", "South Africa"], ["BR", "Brazil"], ["AR", "Argentina"], ["CL", "Chile"], ["CO", "Colombia"],
];

export function countryName(code: string): string {
  if (code === "*") return "Everywhere else";
  return COUNTRIES.find(([c]) => c === code)?.[1] ?? code;
}
