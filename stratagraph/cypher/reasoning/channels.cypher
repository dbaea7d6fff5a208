// description: channels with their limits
MATCH (c:Channel)
RETURN c{.*} AS channel
