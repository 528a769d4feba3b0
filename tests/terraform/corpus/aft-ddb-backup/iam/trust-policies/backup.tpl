{
    "Version": "2012-10-17",
    "Statement": [
      {
        "Effect": "allow",
        "Principal": {
            "Service": ["backup.amazonaws.com"]
        },
        "Action": ["sts:AssumeRole"]
      }
    ]
}
