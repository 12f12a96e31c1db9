import { useMemo, useState } from "react";
import type { RowProblem } from "../../order-draft.ts";
import type { Draft } from "../../spreadsheet.ts";
import { MAX_ROWS } from "../../spreadsheet.ts";

const EMPTY_ROWS = 3;

/**
 * The recipients as typed, pasted or uploaded (at most MAX_ROWS rows), the problems the API
 * found in them per row, and which rows the grid shows (all, or only those with problems).
 */
export function useRecipientRows() {
  const [rows, setRows] = useState<Draft[]>(() => Array.from({ length: EMPTY_ROWS }, () => ({})));
  const [problems, setProblems] = useState<Map<number, RowProblem[]>>(new Map());
  const [onlyBad, setOnlyBad] = useState(false);

  const badRows = [...problems.keys()].sort((a, b) => a - b);
  const visible = useMemo(() => {
    const all = rows.map((_, i) => i);
    return onlyBad && badRows.length ? all.filter((i) => problems.has(i)) : all;
  }, [rows, onlyBad, badRows.length, problems]);

  function change(i: number, field: keyof Draft, value: string) {
    setRows((rs) => rs.map((r, k) => (k === i ? { ...r, [field]: value } : r)));
  }
  function pasteRows(at: number, drafts: Draft[]) {
    setRows((rs) => {
      const next = [...rs];
      drafts.forEach((d, k) => {
        next[at + k] = { ...(next[at + k] ?? {}), ...d };
      });
      return next.slice(0, MAX_ROWS);
    });
  }
  function loadRows(drafts: Draft[]) {
    setRows(drafts.length ? drafts : [{}]);
    setProblems(new Map());
  }
  /** Removing the last row leaves one blank row. */
  const remove = (i: number) => setRows((rs) => (rs.length > 1 ? rs.filter((_, k) => k !== i) : [{}]));
  const addRows = (n: number) => setRows((rs) => [...rs, ...Array.from({ length: n }, () => ({}))].slice(0, MAX_ROWS));
  /** The problems of a refused order, every row shown so none is hidden. */
  function showProblems(map: Map<number, RowProblem[]>) {
    setProblems(map);
    setOnlyBad(false);
  }

  return { rows, problems, setProblems, showProblems, badRows, visible, onlyBad, setOnlyBad, change, pasteRows, loadRows, remove, addRows };
}

export type RecipientRows = ReturnType<typeof useRecipientRows>;
