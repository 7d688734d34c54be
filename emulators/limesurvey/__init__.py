"""A LimeSurvey RemoteControl 2 emulator: JSON-RPC over HTTP at /index.php/admin/remotecontrol with the
real method names, parameter order, session keys, status strings and base64-encoded exports.

``state.py`` keeps the installation (users, sessions, surveys, participants, responses, the mails it
"sent"); ``methods.py`` is each RPC method as LimeSurvey answers it; ``server.py`` the HTTP endpoint.
Piiri's tests drive the real ``citric`` client against it; ``make run`` starts it with a demo survey.
"""
