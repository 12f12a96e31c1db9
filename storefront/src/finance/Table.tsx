import type { ReactNode } from "react";

/**
 * A console table: its caption (read by screen readers, hidden on screen), the column
 * headers, one row per item and, when there are none, what to say instead. A column given
 * as `false` is left out, and so is the cell at its place in every row (e.g. an action
 * column only some roles see).
 */
export function Table<T>(props: {
  caption: string;
  columns: Array<string | false>;
  rows: readonly T[];
  rowKey: (row: T, index: number) => string | number;
  cells: (row: T) => ReactNode[];
  empty?: string;
}) {
  const shown = props.columns.map((c) => c !== false);
  const headers = props.columns.filter((c): c is string => c !== false);
  return (
    <table>
      <caption className="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          {headers.map((h) => (
            <th scope="col" key={h}>
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.length === 0 && props.empty && (
          <tr>
            <td colSpan={headers.length} className="muted">
              {props.empty}
            </td>
          </tr>
        )}
        {props.rows.map((row, i) => (
          <tr key={props.rowKey(row, i)}>
            {props
              .cells(row)
              .filter((_, j) => shown[j])
              .map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
