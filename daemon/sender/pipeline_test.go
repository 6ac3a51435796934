package sender

import (
	"bufio"
	"bytes"
	"net/textproto"
	"testing"
)

// TestAppendDotted: the pipelined path writes a message exactly as
// textproto's DotWriter, which the unpipelined path uses, would.
func TestAppendDotted(t *testing.T) {
	for _, raw := range []string{
		"", "Subject: x\r\n\r\nbody\r\n", ".\r\n", "a\r\n.\r\n..b\r\n", "no end", "bare\nlf\n.dot\n",
		"cr\rin line\r\n", "ends in cr\r", "\r\n\r\n", ".leading", "x\r\n.",
	} {
		var want bytes.Buffer
		bw := bufio.NewWriter(&want)
		dw := textproto.NewWriter(bw).DotWriter()
		dw.Write([]byte(raw))
		dw.Close()
		bw.Flush()
		got := append(appendDotted(nil, []byte(raw)), ".\r\n"...)
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("appendDotted(%q) = %q, DotWriter writes %q", raw, got, want.Bytes())
		}
	}
}

// TestWithoutPipelining runs the exchange tests again one command at a
// time, as with a server that does not offer PIPELINING (RFC 2920):
// the answers, drops and uncertainty must read the same.
func TestWithoutPipelining(t *testing.T) {
	usePipelining = false
	defer func() { usePipelining = true }()
	t.Run("SessionsReusedAndQuit", TestSessionsReusedAndQuit)
	t.Run("Answers", TestAnswers)
	t.Run("IdleTimeoutRedialsWithoutSlowing", TestIdleTimeoutRedialsWithoutSlowing)
	t.Run("DroppedBeforeEndRedialsAndContinues", TestDroppedBeforeEndRedialsAndContinues)
	t.Run("DroppedTwiceGivesUp", TestDroppedTwiceGivesUp)
	t.Run("DroppedAfterEndIsUncertain", TestDroppedAfterEndIsUncertain)
	t.Run("ContextEndsTransactionUncertain", TestContextEndsTransactionUncertain)
	t.Run("StreamAnswers", TestStreamAnswers)
	t.Run("StreamAbort", TestStreamAbort)
	t.Run("StreamHandsOverToWaitingSend", TestStreamHandsOverToWaitingSend)
	t.Run("StreamSendsContentBeforeWaitingForToken", TestStreamSendsContentBeforeWaitingForToken)
	t.Run("StreamDailyCap", TestStreamDailyCap)
	t.Run("StreamContextEnds", TestStreamContextEnds)
	t.Run("StreamEndAfterContextEnded", TestStreamEndAfterContextEnded)
}
