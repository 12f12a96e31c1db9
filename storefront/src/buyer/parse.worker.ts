/// <reference lib="webworker" />
import { readSheet } from "read-excel-file/web-worker";
import { decodeText, parseCsv, toTable, type ParseResult } from "./spreadsheet.ts";

/** Parses an uploaded recipients file off the main thread: XLSX by read-excel-file, CSV by papaparse. */
self.onmessage = async (e: MessageEvent<{ file: File }>) => {
  const { file } = e.data;
  let result: ParseResult;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    if (isZip || /\.xlsx$/i.test(file.name)) {
      if (!isZip) result = { ok: false, message: "This file is named .xlsx but is not an Excel workbook. Save it again from Excel, or as CSV." };
      else result = toTable((await readSheet(bytes.buffer)) as unknown[][]);
    } else if (/\.xls$/i.test(file.name)) {
      result = { ok: false, message: "Old Excel files (.xls) cannot be read: save it as .xlsx or CSV." };
    } else {
      const { text, warning } = decodeText(bytes);
      if (text.includes("\u0000")) result = { ok: false, message: "This file is not a text CSV (it holds binary data). Save it as CSV or .xlsx." };
      else {
        result = toTable(parseCsv(text));
        if (result.ok && warning) result.warnings.push(warning);
      }
    }
  } catch (err) {
    result = { ok: false, message: `The file could not be read (${err instanceof Error ? err.message : "unknown error"}). Save it as CSV or .xlsx and try again.` };
  }
  (self as unknown as Worker).postMessage(result);
};
