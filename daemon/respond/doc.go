// Package respond carries out what triage decided for an account's mail:
// it sends the acknowledgements, confirmations and forwards triage queued
// (compose builds them, the account's sender.Pool sends them), files each
// acknowledgement in the sent folder, notices when a person answered an
// enquiry (the answered scan over IMAP), and mails the digest of the
// enquiries still waiting for one.
//
// The name says the job: triage reads and decides, respond answers. The
// two meet only in the store: triage records an "ack" or "forward" action
// with its job (triage.AckJob, triage.ForwardJob) in the transaction that
// records the message, and respond's Acks, woken by Kick, sends it and
// records the outcome. One message is thus followed from inbox (the IMAP
// fetch) to triage.Processor (the decision) to Acks (the acknowledgement).
package respond
