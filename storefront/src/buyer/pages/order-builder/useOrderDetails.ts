import { useState } from "react";

/** The order's own fields: who it is from, the message for everyone, the send date, the buyer's reference, and whether to remind recipients. */
export function useOrderDetails(senderDefault: string) {
  const [senderName, setSenderName] = useState(senderDefault);
  const [defaultMessage, setDefaultMessage] = useState("");
  const [sendDate, setSendDate] = useState("");
  const [reference, setReference] = useState("");
  const [reminders, setReminders] = useState(true);
  return { senderName, setSenderName, defaultMessage, setDefaultMessage, sendDate, setSendDate, reference, setReference, reminders, setReminders };
}

export type OrderDetails = ReturnType<typeof useOrderDetails>;
